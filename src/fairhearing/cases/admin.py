"""Cases are not in Django's admin.

Administrators run the system - accounts, members, bodies, rulebooks - and read no case (docs/web.md): a case is
read in the staff workspace, where the access policy decides who may open it and every view goes on the audit log.
An admin list of cases would be a way round both.
"""
