"""Bulk imports: members from CRM exports, regions and branches, and historical decided cases."""
