"""Views of the service directory: its pages (`services`) and the HSDS read API (`hsds`)."""
