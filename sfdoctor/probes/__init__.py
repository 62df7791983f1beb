"""The only code that talks to the network: one module per flow, plus session checks."""
