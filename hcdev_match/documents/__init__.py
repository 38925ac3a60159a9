"""Documents: the upload gate, sandboxed parsing, hidden-text detection and the intake of batches."""
