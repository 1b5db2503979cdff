"""Screens of the advocacy app (key messages in `messages`)."""
