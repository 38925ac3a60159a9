"""Reading text: tokens, catalogue terms, snippets, personal details, postings and careers."""
