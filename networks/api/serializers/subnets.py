"""subnets serializers."""
