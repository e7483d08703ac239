"""The Secretariat's web dashboard: moderators sign in (OpenID Connect with Entra ID or
Slack, or the one-time set-up token) and work the queue in server-rendered pages."""
