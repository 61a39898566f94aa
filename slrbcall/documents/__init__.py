"""Documents: conventions and letters (DOCX from templates) and their PDF conversion."""
