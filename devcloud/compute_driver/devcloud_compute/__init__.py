"""Nova compute driver for devcloud: the fake driver, with a console a browser can open."""
