"""The HSDS 3.0 read API of the public directory, mounted at /hsds/ (outside the language prefix).

Paths follow the HSDS openapi.json (`/services`, `/services/{id}`…); a trailing slash is accepted too. An `{id}` is
any path segment: the view answers a JSON 404 for one that is not a public object's id (a malformed one included).
"""

from django.urls import path, re_path

from .views import hsds

app_name = "hsds"

ID = r"(?P<pk>[^/]+)"

urlpatterns = [
    path("", hsds.api_root, name="root"),
    re_path(r"^openapi\.json$", hsds.openapi, name="openapi"),
    re_path(r"^services/?$", hsds.service_list, name="services"),
    re_path(rf"^services/{ID}/?$", hsds.service_detail, name="service"),
    re_path(r"^service_at_locations/?$", hsds.service_at_location_list, name="service_at_locations"),
    re_path(rf"^service_at_locations/{ID}/?$", hsds.service_at_location_detail, name="service_at_location"),
    re_path(r"^organizations/?$", hsds.organization_list, name="organizations"),
    re_path(rf"^organizations/{ID}/?$", hsds.organization_detail, name="organization"),
    re_path(r"^taxonomies/?$", hsds.taxonomy_list, name="taxonomies"),
    re_path(rf"^taxonomies/{ID}/?$", hsds.taxonomy_detail, name="taxonomy"),
    re_path(r"^taxonomy_terms/?$", hsds.taxonomy_term_list, name="taxonomy_terms"),
    re_path(rf"^taxonomy_terms/{ID}/?$", hsds.taxonomy_term_detail, name="taxonomy_term"),
]
