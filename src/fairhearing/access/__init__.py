"""Who may see and do what, in one place: the web pages, the API, the exports and the CLI all ask here.

`policy` holds the rules as plain functions and query filters; `rules` registers them as Django permissions
(through the `rules` library) so views and templates can ask `user.has_perm("cases.view_case", case)`.
"""
