"""Staff pages about communes, pupil lists and pupils; each module is one area."""
