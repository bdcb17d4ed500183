"""Site selection (智慧选址): requirement matching with reasons, and side-by-side comparison."""
