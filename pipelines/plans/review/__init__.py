"""Plan reviews: the workbook officials correct extraction in, and how a review applies."""
