"""Views for people: the staff import (admin), accounts (admin log-out) and invitation links.

URLs in cms.people.urls; the admin screens are registered by cms.people.viewsets.
"""
