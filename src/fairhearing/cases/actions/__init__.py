"""Every procedure action a person takes, as a page with a form: which actions are offered now, the form for
each, and the view that runs the form through the action's service.

The engine (`procedure.workflow`) decides whether an action may happen; the forms only parse what was typed and
say which field a refusal is about. A refused action changes nothing and its reasons are shown as they are.
"""
