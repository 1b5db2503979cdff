"""Models of the resources app arrive with their issue; the app exists so ownership is clear from the start."""
