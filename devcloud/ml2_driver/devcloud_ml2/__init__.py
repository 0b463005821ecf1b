"""ML2 mechanism driver for devcloud: binds ports without any agent."""
