"""Per-resource test base classes, NetBox's view and API test cases in pytest form.

A resource's test class subclasses `ResourceViewTests` and/or `ResourceAPITests` and declares
its factory, URLs and data; the tests every resource must pass are written here once: the list
renders from the mirror without a cloud call and within a query budget, its rows are what
django-tables2's own template renders, htmx gets the table partial only, another project's rows
never show and its objects are 404, a valid create starts exactly one Operation (its task sent
on commit), an invalid one gives field errors and starts nothing.
"""

from collections.abc import Iterator
from typing import Any, ClassVar
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from keystoneauth1.session import Session

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import table_head, table_rows
from dashboard.web.pagination import MAX_PAGE_SIZE

HTMX = {"HX-Request": "true"}
# What htmx sends when the form on its own page (#object-form) is submitted.
FROM_THE_FORM = {**HTMX, "HX-Trigger": "object-form"}
OTHER_PROJECT = "another-project-id"


@pytest.fixture
def no_cloud_calls(signed_in: Client) -> Iterator[None]:
    """After sign-in, any request to the cloud fails the test: pages render from the mirror.
    (Patched only for the test's body: the account fixture's teardown calls the cloud.)"""

    def refuse(self: Session, url: str, *args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"A page called the cloud: {url}")

    with mock.patch.object(Session, "request", refuse):
        yield


class ResourceTests:
    """What both base classes need: how to make mirror rows and what a valid change sends."""

    pytestmark: ClassVar[list[Any]] = [
        pytest.mark.django_db,
        pytest.mark.cloud,
        pytest.mark.shared_account,
    ]
    factory: Any
    create_action = ""
    invalid_data: ClassVar[dict[str, Any]] = {}
    # A field the invalid data gets wrong; its error must be reported on that field.
    invalid_field = ""

    def make(self, *, project_id: str, **fields: Any) -> Any:
        """One mirror row of the resource in `project_id`."""
        return self.factory(project_id=project_id, **fields)

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        """Form data for a valid create (it may make mirror rows the form refers to)."""
        raise NotImplementedError

    def search_value(self, obj: Any) -> str:
        """What the quick search (`q`) finds `obj` by."""
        return str(obj.name)


class ResourceViewTests(ResourceTests):
    list_url_name: str
    detail_url_name = ""
    create_url_name = ""
    list_query_budget = 12

    def test_list_renders_from_the_mirror_within_a_query_budget(
        self,
        signed_in: Client,
        account: KeystoneAccount,
        no_cloud_calls: None,
        django_assert_max_num_queries: Any,
    ) -> None:
        own = [self.make(project_id=account.project.id) for _ in range(30)]
        foreign = self.make(project_id=OTHER_PROJECT)

        with django_assert_max_num_queries(self.list_query_budget):
            response = signed_in.get(reverse(self.list_url_name))

        page = response.content.decode()
        assert response.status_code == 200
        assert any(str(obj.pk) in page for obj in own)
        assert str(foreign.pk) not in page

    def test_rows_are_what_django_tables2s_template_renders(
        self, signed_in: Client, account: KeystoneAccount
    ) -> None:
        """The rows the list renders in Python (`dashboard.web.table_rows`) are the ones
        django-tables2's stock template renders for the same table."""
        for _ in range(3):
            self.make(project_id=account.project.id)

        response = signed_in.get(reverse(self.list_url_name))

        table, request = response.context["table"], response.wsgi_request
        ours = table_rows(table, "web/table.html", request)
        assert ours == table_rows(table, "django_tables2/bootstrap5.html", request)
        assert ours.count("<tr ") == 3
        head = table_head(table, "web/table.html", request)
        assert head == table_head(table, "django_tables2/bootstrap5.html", request)
        assert head.count("<th ") == len(table.columns)

    def test_htmx_gets_only_the_table(self, signed_in: Client, account: KeystoneAccount) -> None:
        self.make(project_id=account.project.id)

        body = signed_in.get(reverse(self.list_url_name), headers=HTMX).content.decode()

        assert body.lstrip().startswith('<div id="object-table"')
        assert "<html" not in body

    def test_quick_search_filters_the_list(
        self, signed_in: Client, account: KeystoneAccount
    ) -> None:
        wanted, other = (self.make(project_id=account.project.id) for _ in range(2))

        url = reverse(self.list_url_name)
        body = signed_in.get(url, {"q": self.search_value(wanted)}, headers=HTMX).content.decode()

        assert str(wanted.pk) in body
        assert str(other.pk) not in body

    def test_a_search_matching_nothing_says_so_not_that_the_list_is_empty(
        self, signed_in: Client, account: KeystoneAccount
    ) -> None:
        self.make(project_id=account.project.id)
        url = reverse(self.list_url_name)

        matched_nothing = signed_in.get(url, {"q": "matches-no-row"}, headers=HTMX)
        unfiltered = signed_in.get(url, headers=HTMX)

        table = matched_nothing.context["table"]
        body = matched_nothing.content.decode()
        assert "Nothing matches these filters." in body
        assert f'<a href="{url}">Clear the filters</a>' in body
        assert str(table._meta.empty_text) not in body
        assert "Nothing matches" not in unfiltered.content.decode()

    def test_detail_renders_and_another_projects_is_not_found(
        self, signed_in: Client, account: KeystoneAccount
    ) -> None:
        if not self.detail_url_name:
            pytest.skip("This resource has no detail page.")
        own = self.make(project_id=account.project.id)
        foreign = self.make(project_id=OTHER_PROJECT)

        page = signed_in.get(reverse(self.detail_url_name, kwargs={"pk": own.pk}))
        missing = signed_in.get(reverse(self.detail_url_name, kwargs={"pk": foreign.pk}))

        assert page.status_code == 200
        assert str(own.pk) in page.content.decode()
        assert missing.status_code == 404

    def test_valid_create_starts_one_operation(
        self,
        signed_in: Client,
        account: KeystoneAccount,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        if not self.create_url_name:
            pytest.skip("This resource is not created from a page.")
        data = self.valid_data(project_id=account.project.id)

        with django_capture_on_commit_callbacks() as callbacks:
            response = signed_in.post(reverse(self.create_url_name), data, headers=FROM_THE_FORM)

        assert response.status_code == 200, response.content.decode()
        operation = Operation.objects.get()
        assert len(callbacks) == 1
        assert operation.action == self.create_action
        assert operation.project_id == account.project.id
        content = response.content.decode()
        assert f'hx-get="/operations/{operation.id}/"' in content
        # The form comes back empty, in place of the one sent, so it cannot be sent twice.
        assert 'id="object-form"' in content
        assert 'hx-swap-oob="true"' in content

    @pytest.mark.parametrize("per_page", ["-1", "0", "abc", "1000000"])
    def test_any_page_size_renders_a_bounded_page(
        self, signed_in: Client, account: KeystoneAccount, per_page: str
    ) -> None:
        self.make(project_id=account.project.id)

        response = signed_in.get(reverse(self.list_url_name), {"per_page": per_page})

        assert response.status_code == 200
        page = response.context["table"].page
        assert 1 <= page.paginator.per_page <= MAX_PAGE_SIZE

    def test_invalid_create_shows_field_errors_and_starts_nothing(
        self, signed_in: Client, account: KeystoneAccount
    ) -> None:
        if not self.create_url_name:
            pytest.skip("This resource is not created from a page.")
        data = {**self.valid_data(project_id=account.project.id), **self.invalid_data}

        response = signed_in.post(reverse(self.create_url_name), data, headers=FROM_THE_FORM)

        assert response.status_code == 200
        assert response["HX-Retarget"] == "#object-form"
        content = response.content.decode()
        assert 'class="invalid-feedback' in content
        assert 'aria-invalid="true"' in content
        assert "is-invalid" in content
        assert not Operation.objects.exists()


class ResourceAPITests(ResourceTests):
    api_url: str  # the list endpoint, e.g. "/api/routers/"

    def test_list_is_paged_and_scoped(self, signed_in: Client, account: KeystoneAccount) -> None:
        own = self.make(project_id=account.project.id)
        foreign = self.make(project_id=OTHER_PROJECT)

        body = signed_in.get(self.api_url).json()

        ids = [item["id"] for item in body["results"]]
        assert str(own.pk) in ids
        assert str(foreign.pk) not in ids
        assert "count" in body

    def test_quick_search_and_detail(self, signed_in: Client, account: KeystoneAccount) -> None:
        wanted, _other = (self.make(project_id=account.project.id) for _ in range(2))
        foreign = self.make(project_id=OTHER_PROJECT)

        found = signed_in.get(self.api_url, {"q": self.search_value(wanted)}).json()["results"]
        detail = signed_in.get(f"{self.api_url}{wanted.pk}/")
        missing = signed_in.get(f"{self.api_url}{foreign.pk}/")

        assert [item["id"] for item in found] == [str(wanted.pk)]
        assert detail.json()["id"] == str(wanted.pk)
        assert missing.status_code == 404

    def test_create_answers_202_with_the_operation(
        self,
        signed_in: Client,
        account: KeystoneAccount,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        if not self.create_action:
            pytest.skip("This resource is not created through the API.")
        data = self.valid_data(project_id=account.project.id)

        with django_capture_on_commit_callbacks() as callbacks:
            response = signed_in.post(self.api_url, data, content_type="application/json")

        assert response.status_code == 202, response.content.decode()
        assert len(callbacks) == 1
        assert response.json()["action"] == self.create_action
        assert response["Location"] == f"/api/operations/{response.json()['id']}/"

    def test_invalid_create_answers_400_with_field_errors(
        self, signed_in: Client, account: KeystoneAccount
    ) -> None:
        if not self.create_action:
            pytest.skip("This resource is not created through the API.")
        data = {**self.valid_data(project_id=account.project.id), **self.invalid_data}

        response = signed_in.post(self.api_url, data, content_type="application/json")

        assert response.status_code == 400
        assert self.invalid_field in response.json()
        assert not Operation.objects.exists()

    @pytest.mark.parametrize("body", ["[]", '["a", "b"]', '"name"', "null", "42"])
    def test_a_body_that_is_not_an_object_answers_400(
        self, signed_in: Client, account: KeystoneAccount, body: str
    ) -> None:
        own = self.make(project_id=account.project.id)
        detail_url = f"{self.api_url}{own.pk}/"
        writes = [(signed_in.post, self.api_url)] if self.create_action else []
        if "PATCH" in signed_in.options(detail_url).headers.get("Allow", ""):
            writes.append((signed_in.patch, detail_url))
        if not writes:
            pytest.skip("This resource takes no body through the API.")

        for write, url in writes:
            response = write(url, body, content_type="application/json")

            assert response.status_code == 400, (url, response.content.decode())
            assert "send a JSON object" in response.json()["detail"]
        assert not Operation.objects.exists()

    def test_unknown_fields_and_a_list_for_a_single_value_answer_400(
        self, signed_in: Client, account: KeystoneAccount
    ) -> None:
        if not self.create_action:
            pytest.skip("This resource is not created through the API.")
        data = self.valid_data(project_id=account.project.id)
        single = next(name for name, value in data.items() if isinstance(value, str))

        unknown = signed_in.post(
            self.api_url, {**data, "colour": "red"}, content_type="application/json"
        )
        listed = signed_in.post(
            self.api_url, {**data, single: ["a", "b"]}, content_type="application/json"
        )

        assert unknown.status_code == 400
        assert "Unknown field: colour" in unknown.json()["__all__"][0]["message"]
        assert listed.status_code == 400
        assert listed.json()[single][0]["code"] == "invalid"
        assert not Operation.objects.exists()

    def test_a_name_the_cloud_refuses_answers_400_on_the_name(
        self, signed_in: Client, account: KeystoneAccount
    ) -> None:
        data = self.valid_data(project_id=account.project.id) if self.create_action else {}
        if "name" not in data:
            pytest.skip("This resource is not named when it is created through the API.")

        response = signed_in.post(
            self.api_url, {**data, "name": "web-\U0001f600"}, content_type="application/json"
        )

        assert response.status_code == 400
        assert "name" in response.json()
        assert not Operation.objects.exists()
