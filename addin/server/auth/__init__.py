"""xlwings Server's auth providers, overridden from the project folder (``auth.<provider>``)."""
