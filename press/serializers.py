"""API fields of press releases: contacts with photos, images with credit, documents, the boilerplate."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cms.blocks import image_api_representation
from cms.richtext import rich_text_to_api_html
from media.api import PublicImageRenditionField
from media.services import document_visible_publicly


class PressContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    function = serializers.CharField()
    organisation = serializers.CharField()
    phone = serializers.CharField()
    mobile = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    photo = PublicImageRenditionField("fill-400x400", allow_null=True)


class BoilerplateSerializer(serializers.Serializer):
    heading = serializers.CharField()
    text = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "html", "description": "Sanitised HTML"})
    def get_text(self, boilerplate) -> str:
        return rich_text_to_api_html(boilerplate.text)


class ReleaseImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    alt = serializers.CharField()
    caption = serializers.CharField()
    credit = serializers.CharField()
    licence = serializers.CharField()
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    thumbnail_url = serializers.URLField()


@extend_schema_field(ReleaseImageSerializer(allow_null=True))
class ReleaseImageField(serializers.Field):
    """One image of a release with caption, credit and renditions; null where the request may not see it."""

    def __init__(self, **kwargs):
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, item):
        return image_api_representation(item.image, caption=item.caption, request=self.context.get("request"))


class ReleaseDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    licence = serializers.CharField()


@extend_schema_field(ReleaseDocumentSerializer(allow_null=True))
class ReleaseDocumentField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, item):
        document = item.document
        if document is None or not document_visible_publicly(document=document, request=self.context.get("request")):
            return None
        return {"id": document.id, "title": document.title, "url": document.url, "licence": document.licence}


class PressKitSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Download of the ZIP (attachment).")
    size = serializers.IntegerField(help_text="Bytes.")
    built_at = serializers.DateTimeField()


@extend_schema_field(PressKitSerializer(allow_null=True))
class PressKitField(serializers.Field):
    """The release's press kit: url, size and when it was built; null while it is being built (or never was)."""

    def __init__(self, **kwargs):
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, release):
        from press.selectors_kits import press_kit_offered
        from press.views.kits import press_kit_url

        kit = press_kit_offered(release_id=release.pk)
        if kit is None:
            return None
        return {"url": press_kit_url(kit, self.context.get("request")), "size": kit.size,
                "built_at": serializers.DateTimeField().to_representation(kit.built_at)}
