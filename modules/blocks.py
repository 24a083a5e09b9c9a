"""StreamField blocks for lessons.

Every block carries an icon, a template, a label, help text and a preview value, and
its cross-field rules live in ``clean()``. Blocks a learner completes (knowledge
checks here; H5P activities and MI scenarios from their own modules) carry a
``required`` box: a lesson completes when its required blocks are complete.
"""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

from modules.h5p.blocks import H5PActivityBlock
from modules.scenarios.blocks import ScenarioBlock
from modules.scorm.blocks import ScormActivityBlock
from modules.xapi_packages.blocks import XapiActivityBlock

VIDEO_EXTENSIONS = (".mp4", ".webm")
CAPTION_EXTENSIONS = (".vtt",)
KNOWLEDGE_CHECK_MAX_OPTIONS = 8


def _first_instance(model_path: str):
    """The first instance of a model, for previews that need a real image or document."""
    from django.apps import apps

    return apps.get_model(model_path).objects.order_by("pk").first()


def _extension(document) -> str:
    name = (getattr(document, "file", None) and document.file.name) or ""
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


class LessonImageBlock(blocks.StructBlock):
    image = ImageBlock(help_text="Describe the image for people who cannot see it, or mark it decorative.")
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        label = "Image"
        help_text = "A picture or diagram that helps explain the lesson."
        template = "modules/blocks/image.html"
        preview_value = {"caption": "A family and their social worker planning together."}

    def get_preview_value(self):
        value = super().get_preview_value()
        image = _first_instance("wagtailimages.Image")
        if image is not None:
            image.contextual_alt_text = "An example image"
            image.decorative = False
            value["image"] = image
        return value


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200, help_text="What the video shows, as a heading.")
    video = DocumentChooserBlock(
        required=False, help_text="An uploaded .mp4 or .webm file. Leave empty if you embed instead."
    )
    captions = DocumentChooserBlock(
        required=False, help_text="A WebVTT (.vtt) captions track. Required for an uploaded video."
    )
    embed = blocks.URLBlock(
        required=False,
        help_text="A YouTube or Vimeo address, instead of an uploaded file. Make sure it has captions.",
    )
    transcript = blocks.RichTextBlock(
        required=False, features=["p", "bold", "italic", "ul"], help_text="A text transcript (recommended)."
    )

    class Meta:
        icon = "media"
        label = "Video"
        help_text = "An uploaded video with captions, or an embedded video."
        template = "modules/blocks/video.html"
        preview_value = {
            "title": "A home visit, told by the parent",
            "embed": "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
            "transcript": "<p>A short transcript of the video.</p>",
        }

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        has_file, has_embed = bool(value.get("video")), bool(value.get("embed"))
        if has_file == has_embed:
            message = (
                "Choose an uploaded video or give an embed address, not both."
                if has_file
                else ("Choose an uploaded video or give an embed address.")
            )
            raise blocks.StructBlockValidationError(non_block_errors=ErrorList([ValidationError(message)]))
        if has_file:
            if _extension(value["video"]) not in VIDEO_EXTENSIONS:
                errors["video"] = ValidationError("Upload the video as an .mp4 or .webm file.")
            if not value.get("captions"):
                errors["captions"] = ValidationError("An uploaded video needs a captions track (.vtt).")
            elif _extension(value["captions"]) not in CAPTION_EXTENSIONS:
                errors["captions"] = ValidationError("Captions must be a WebVTT file ending in .vtt.")
        elif value.get("captions"):
            errors["captions"] = ValidationError(
                "Captions go with an uploaded video; embedded players carry their own."
            )
        if has_embed:
            embed_errors = _embed_url_errors(value["embed"])
            if embed_errors:
                errors["embed"] = ValidationError(embed_errors)
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value


EMBED_PREFIXES = {
    "https://www.youtube.com/watch?v=": "https://www.youtube-nocookie.com/embed/",
    "https://youtu.be/": "https://www.youtube-nocookie.com/embed/",
    "https://www.youtube-nocookie.com/embed/": "https://www.youtube-nocookie.com/embed/",
    "https://www.youtube.com/embed/": "https://www.youtube-nocookie.com/embed/",
    "https://vimeo.com/": "https://player.vimeo.com/video/",
    "https://player.vimeo.com/video/": "https://player.vimeo.com/video/",
}


def embed_player_url(url: str) -> str | None:
    """The privacy-friendly player address for a YouTube or Vimeo link, or None."""
    for prefix, player in EMBED_PREFIXES.items():
        if url.startswith(prefix):
            video_id = url[len(prefix) :].split("&", 1)[0].split("?", 1)[0].strip("/")
            if video_id and video_id.replace("-", "").replace("_", "").isalnum():
                return player + video_id
    return None


def _embed_url_errors(url: str) -> str | None:
    if embed_player_url(url) is None:
        return "Use a YouTube or Vimeo video address (other sites are blocked by the page's security policy)."
    return None


class KeyPointBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Key point")
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "pick"
        label = "Key point"
        help_text = "A callout for the one thing the learner must remember."
        template = "modules/blocks/key_point.html"
        preview_value = {
            "heading": "Key point",
            "text": "<p>Parents are more likely to change when the reasons are their own.</p>",
        }


class ResourceBlock(blocks.StructBlock):
    document = DocumentChooserBlock(help_text="The file to download (PDF, Word, spreadsheet...).")
    title = blocks.CharBlock(max_length=200, required=False, help_text="Defaults to the document's title.")
    description = blocks.TextBlock(required=False, max_length=500)

    class Meta:
        icon = "doc-full"
        label = "Downloadable resource"
        help_text = "A handout, template or guide learners can keep."
        template = "modules/blocks/resource.html"
        preview_value = {"title": "Home visit planning template", "description": "A one-page planner."}

    def get_preview_value(self):
        value = super().get_preview_value()
        value["document"] = _first_instance("wagtaildocs.Document")
        return value


class KnowledgeCheckOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300, label="Answer")
    correct = blocks.BooleanBlock(required=False, default=False, label="This answer is correct")
    feedback = blocks.TextBlock(
        max_length=1000, help_text="Shown when the learner chooses this answer: say why it is right or wrong."
    )

    class Meta:
        icon = "radio-full"
        label = "Answer"


class KnowledgeCheckBlock(blocks.StructBlock):
    """A question answered on the page, marked on the server, with feedback per answer.

    Scoring: single choice scores 100% for the correct answer and 0% otherwise;
    multiple choice scores the share of answers judged right (ticked when correct,
    left when wrong). The check completes when a score reaches the pass mark.
    """

    SINGLE = "single"
    MULTIPLE = "multiple"

    question = blocks.CharBlock(max_length=500)
    kind = blocks.ChoiceBlock(
        choices=[
            (SINGLE, "Single choice (one correct answer)"),
            (MULTIPLE, "Multiple choice (tick all that apply)"),
        ],
        default=SINGLE,
        label="Type",
    )
    options = blocks.ListBlock(
        KnowledgeCheckOptionBlock(), min_num=2, max_num=KNOWLEDGE_CHECK_MAX_OPTIONS, label="Answers"
    )
    pass_mark = blocks.IntegerBlock(
        min_value=1,
        max_value=100,
        default=100,
        help_text="Percentage needed to pass (1 to 100). Single-choice questions pass on the correct answer.",
    )
    required = blocks.BooleanBlock(
        required=False, default=True, help_text="The lesson completes only when this check is passed."
    )

    class Meta:
        icon = "help"
        label = "Knowledge check"
        help_text = "A single- or multiple-choice question with feedback on each answer."
        template = "modules/blocks/knowledge_check.html"
        preview_value = {
            "question": "Which of these is an open question?",
            "kind": "single",
            "options": [
                {
                    "text": "Did you drink last night?",
                    "correct": False,
                    "feedback": "A closed question: yes or no.",
                },
                {
                    "text": "What would a good week look like for your family?",
                    "correct": True,
                    "feedback": "Right: it invites the parent to tell their own story.",
                },
            ],
            "pass_mark": 100,
            "required": True,
        }

    def clean(self, value):
        value = super().clean(value)
        options = list(value.get("options") or [])
        correct = sum(1 for option in options if option.get("correct"))
        errors = []
        if len(options) < 2:
            errors.append("Give at least two answers.")
        if correct == 0:
            errors.append("Mark at least one answer as correct.")
        if value.get("kind") == self.SINGLE and correct > 1:
            errors.append(
                "A single-choice question has exactly one correct answer: "
                "tick only one, or make it multiple choice."
            )
        if value.get("kind") == self.MULTIPLE and len(options) == correct and options:
            errors.append(
                "In a multiple-choice question at least one answer should be wrong, "
                "or the question tests nothing."
            )
        block_errors = {}
        pass_mark = value.get("pass_mark")
        if pass_mark is None or not 1 <= pass_mark <= 100:
            block_errors["pass_mark"] = ValidationError("The pass mark is a percentage from 1 to 100.")
        if errors or block_errors:
            raise blocks.StructBlockValidationError(
                block_errors=block_errors or None,
                non_block_errors=ErrorList([ValidationError(e) for e in errors]),
            )
        return value


class ReflectionBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(max_length=500, help_text="The question the learner reflects on.")
    guidance = blocks.TextBlock(
        required=False,
        max_length=1000,
        help_text=(
            "Optional hints to help them think. The page already tells learners that only they "
            "can see what they write, so there is no need to say it here."
        ),
    )

    class Meta:
        icon = "edit"
        label = "Private reflection"
        help_text = "A prompt the learner answers in writing. Answers are private to the learner."
        template = "modules/blocks/reflection.html"
        preview_value = {
            "prompt": "Think of a family you work with. What might they want to be different?",
            "guidance": "Write a few sentences.",
        }


class LessonStreamBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        icon="pilcrow",
        label="Text",
        help_text="Explain an idea in plain English.",
        template="modules/blocks/rich_text.html",
        preview_value="<p>Parents are capable of change.</p>",
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"],
    )
    image = LessonImageBlock()
    video = VideoBlock()
    key_point = KeyPointBlock()
    resource = ResourceBlock()
    knowledge_check = KnowledgeCheckBlock()
    reflection = ReflectionBlock()
    h5p_activity = H5PActivityBlock()
    scorm_activity = ScormActivityBlock()
    xapi_activity = XapiActivityBlock()
    mi_scenario = ScenarioBlock()
