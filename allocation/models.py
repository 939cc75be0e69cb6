# Supports (one per pupil, enforced by the database), approval and handover
# records arrive with the allocation issue.
