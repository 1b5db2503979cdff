"""The HSDS 3.0 read API of the public directory, mounted at /hsds/ (outside the language prefix).

Paths follow the HSDS openapi.json (`/services`, `/services/{id}`…); a trailing slash is accepted too.
"""

from django.urls import path, re_path

from .views import hsds

app_name = "hsds"

UUID = r"(?P<pk>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"

urlpatterns = [
    path("", hsds.api_root, name="root"),
    re_path(r"^services/?$", hsds.service_list, name="services"),
    re_path(rf"^services/{UUID}/?$", hsds.service_detail, name="service"),
    re_path(r"^organizations/?$", hsds.organization_list, name="organizations"),
    re_path(rf"^organizations/{UUID}/?$", hsds.organization_detail, name="organization"),
    re_path(r"^taxonomies/?$", hsds.taxonomy_list, name="taxonomies"),
    re_path(r"^taxonomy_terms/?$", hsds.taxonomy_term_list, name="taxonomy_terms"),
]
