"""Staff pages of the telecom section (/can-bo/vien-thong/...) and the public platform list."""
