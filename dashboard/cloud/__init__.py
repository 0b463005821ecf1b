"""The only package that imports openstacksdk or keystoneauth1."""
