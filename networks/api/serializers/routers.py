"""routers serializers."""
