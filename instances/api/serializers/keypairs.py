from rest_framework import serializers

from instances.models import KeyPair


class KeyPairSerializer(serializers.ModelSerializer[KeyPair]):
    class Meta:
        model = KeyPair
        fields = ["id", "name", "user_id", "type", "fingerprint", "public_key", "synced_at"]
        read_only_fields = fields
