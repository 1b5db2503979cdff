"""No models: translation data lives in wagtail-localize's tables. The module lets post_migrate reach this app."""
