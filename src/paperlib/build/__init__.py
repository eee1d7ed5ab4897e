"""Layer 6: executing pages (papermill, staging, process isolation), the book (toc, scorecard) and the command line. Pages never import it."""
