"""Write operations of outreach. Views, admin and tasks call these; tests call them directly."""
