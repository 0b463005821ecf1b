"""security groups serializers."""
