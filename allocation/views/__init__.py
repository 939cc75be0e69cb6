"""Staff pages of allocation under /can-bo/phan-bo/: the run, supports, settings, commune summaries."""
