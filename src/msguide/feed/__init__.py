"""The feed format: parse, validate and verify feeds. Pure Python: no Qt, no database.

Import from the modules themselves (`msguide.feed.parse`, `.model`, `.write`, `.signature`):
this package file stays empty so that loading one small piece (the link allow-list, say) does
not pay for the parser, and the signature module (which loads the crypto library) only when used.
"""
