"""The HTTP API over the application layer (``trialsum serve``) and its client.

``summarizer.api.app.create_app`` builds the FastAPI app; ``summarizer.api.client.RemoteAssistant``
speaks to it with the same methods as ``summarizer.assistant.Assistant``. Importing this package
imports neither: the CLI reaches the client without loading the server stack.
"""
