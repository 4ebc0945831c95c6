"""The staff workspace: my work, the case list, the oversight dashboard, and oversight's flags and notes."""
