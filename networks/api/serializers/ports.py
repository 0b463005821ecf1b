"""ports serializers."""
