"""The web console: server-rendered pages for the people who handle cases, on the same
storage, access rules and case operations as the chat."""
