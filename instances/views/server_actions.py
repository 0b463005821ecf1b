"""Server lifecycle pages: one POST per option-less action, a form page per action with options,
and bulk start, stop, reboot and delete from the list, each declared in
`instances/urls/server_actions.py` with its form (`instances/forms/server_actions.py`). Each
starts one Operation per server; what the server's state does not allow is refused with the
reason before anything starts."""

from django.urls import reverse

from dashboard.web.generic import BulkActionView, ObjectActionView, OperationFormView
from instances.models import Server
from instances.selectors.servers import server_get


class ServerActionFormView(OperationFormView):
    """An action with options on one of the project's servers; back to its page after."""

    getter = staticmethod(server_get)

    def get_success_url(self, obj: Server) -> str:
        return reverse("instances:server_detail", args=[obj.pk])


class ServerActionView(ObjectActionView, ServerActionFormView):
    """An option-less action on one server (a button): start, stop, ...; a deleted server's
    page is gone, so delete goes back to the list."""

    def get_success_url(self, obj: Server) -> str:
        if self.form_class.action == "delete":
            return reverse("instances:server_list")
        return super().get_success_url(obj)


class ServerBulkActionView(BulkActionView):
    """The action of `form_class` on each selected server; servers whose state does not allow it
    are reported with the reason, the others start."""

    getter = staticmethod(server_get)
    success_url_name = "instances:server_list"
