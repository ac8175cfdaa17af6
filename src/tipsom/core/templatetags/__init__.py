"""Template tags of tipsom: form rendering with Bootstrap classes and accessible descriptions."""
