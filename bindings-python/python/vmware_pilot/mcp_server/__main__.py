"""``python -m vmware_pilot.mcp_server`` starts the server (only when run, never on import)."""

from vmware_pilot.mcp_server.server import main

if __name__ == "__main__":
    main()
