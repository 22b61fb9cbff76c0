"""The serializer bases build their fields once per class and hand each instance unbound
copies. The copies are shallow, which holds only while DRF's binding behaves as it does
now; the tests below the first two fail when DRF changes what the copying relies on."""

import copy
import inspect

from rest_framework import fields, relations, serializers

from core.models import Unit
from core.serializers import ModelSerializer, Serializer, unbound_copies


class Person(Serializer):
    name = serializers.CharField(max_length=20)
    tags = serializers.ListField(child=serializers.CharField())
    greeting = serializers.SerializerMethodField()

    def get_greeting(self, person):
        return f"Xin chào {person['name']}"


class UnitSerializer(ModelSerializer):
    class Meta:
        model = Unit
        fields = ["code", "name", "parent"]


def test_each_instance_binds_its_own_copies_of_fields_built_once():
    first, second = Person(), Person()
    assert first.fields["name"] is not second.fields["name"]
    assert first.fields["name"].parent is first
    assert second.fields["tags"].child.parent is second.fields["tags"]
    assert Person(instance={"name": "Lan", "tags": ["a"]}).data == {
        "name": "Lan",
        "tags": ["a"],
        "greeting": "Xin chào Lan",
    }
    built = Person.__dict__["_built_fields"]
    assert all(field.parent is None and field.field_name is None for field in built.values())


def test_model_fields_are_built_once_per_class():
    first, second = UnitSerializer(), UnitSerializer()
    assert first.fields["parent"] is not second.fields["parent"]
    assert first.fields["parent"].parent is first
    assert set(UnitSerializer.__dict__["_built_fields"]) == {"code", "name", "parent"}


def test_drf_binding_still_sets_only_the_copys_own_attributes():
    assert list(inspect.signature(fields.Field.bind).parameters) == [
        "self",
        "field_name",
        "parent",
    ]
    parent = Person()
    samples = {
        "name": serializers.CharField(max_length=20),
        "amount": serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0),
        "unit": serializers.ChoiceField(choices=["a", "b"]),
        "start": serializers.DateTimeField(),
        "greeting": serializers.SerializerMethodField(),
        "parent": serializers.PrimaryKeyRelatedField(read_only=True),
    }
    for name, original in samples.items():
        before = {key: copy.copy(value) for key, value in vars(original).items()}
        shallow = copy.copy(original)
        shallow.bind(name, parent)
        assert vars(original) == before, name
        kept = vars(original)
        changed = {key for key, value in vars(shallow).items() if value is not kept.get(key)}
        assert changed <= {
            "field_name",
            "parent",
            "label",
            "source",
            "source_attrs",
            "method_name",
        }, name


def test_drf_fields_holding_fields_still_keep_them_where_the_copy_looks():
    held, kept = serializers.CharField(), serializers.CharField()
    assert serializers.ListField(child=held).child is held
    assert serializers.DictField(child=kept).child is kept
    many = serializers.PrimaryKeyRelatedField(many=True, queryset=Unit.objects.all())
    assert isinstance(many, relations.ManyRelatedField)
    assert isinstance(many.child_relation, relations.PrimaryKeyRelatedField)

    tags = serializers.ListField(child=serializers.CharField())
    copies = unbound_copies({"tags": tags, "units": many})
    assert copies["tags"].child is not tags.child
    assert copies["units"].child_relation is not many.child_relation
