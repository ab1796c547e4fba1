"""Who may write the call: the accounts a city runs, kept in the calls folder outside its
git history (`DIR/.fourules/`).

- `roles`: `editor` writes drafts, `publisher` publishes (and may also edit);
- `names`: what may name an account;
- `store`: the accounts file (users with Argon2id password hashes, API tokens stored
  hashed), written atomically, mode 0600;
- `passwords`: the password hasher and what a password must be;
- `limits`: failed sign-ins slowed and limited per account and per address;
- `sessions`: the server's secret, signed session values and the CSRF tokens bound to them;
- `proxy`: the city's single sign-on, trusted only from configured proxy addresses.

The HTTP routes and pages are built on top of this package; it holds no web code.
"""
