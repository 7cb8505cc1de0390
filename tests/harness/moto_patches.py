"""The smallest emulator patches the apply-against-emulator suite (tests/apply) needs, by name.

Each patch fills one gap of moto 5.2.5 that stops `terraform apply` of the examples, and only
that gap; everything else stays moto's own behaviour. A patch is applied only when the harness
asks for it (tests/harness/moto.ts, option `patches`). One fidelity fix is applied to every
emulator (ALWAYS): conditional PUTs are atomic, as S3 guarantees (see _s3_atomic_conditional_put).

- application-autoscaling-tags: moto 5.2.5 does not implement Application Auto Scaling's
  TagResource, UntagResource and ListTagsForResource. The AWS provider reads a scalable target's
  tags after creating it; the unknown action answers HTTP 500, which the provider retries for
  15 minutes before `aws_appautoscaling_target` fails. The patch keeps tags per scalable-target
  ARN (those sent with RegisterScalableTarget and TagResource) and answers the three actions as
  AWS documents them (https://docs.aws.amazon.com/autoscaling/application/APIReference/).
  Remove it when moto implements the three actions.
"""

import json
import threading
from typing import Any, Callable

from moto.applicationautoscaling import models, responses


def _application_autoscaling_tags() -> None:
    backend_class = models.ApplicationAutoscalingBackend
    response_class = responses.ApplicationAutoScalingResponse

    def tags_of(backend: Any) -> dict[str, dict[str, str]]:
        # Per backend (account and region), created on first use: no change to moto's __init__.
        if not hasattr(backend, "_quilt_mcp_tags"):
            backend._quilt_mcp_tags = {}
        return backend._quilt_mcp_tags

    def known_arn(backend: Any, arn: str) -> bool:
        return any(t.arn == arn for dims in backend.targets.values() for t in dims.values())

    def not_found(self: Any, arn: str) -> tuple[int, dict[str, str], str]:
        body = {"__type": "ResourceNotFoundException", "message": f"No scalable target {arn}"}
        return 400, {"status": "400"}, json.dumps(body)

    original_register = response_class.register_scalable_target

    def register_scalable_target(self: Any) -> str:
        answer = original_register(self)
        arn = json.loads(answer)["ScalableTargetARN"]
        given = self._get_param("Tags") or {}
        tags_of(self.applicationautoscaling_backend).setdefault(arn, {}).update(given)
        return answer

    def list_tags_for_resource(self: Any) -> Any:
        arn = self._get_param("ResourceARN")
        backend = self.applicationautoscaling_backend
        if not known_arn(backend, arn):
            return not_found(self, arn)
        return json.dumps({"Tags": tags_of(backend).get(arn, {})})

    def tag_resource(self: Any) -> Any:
        arn = self._get_param("ResourceARN")
        backend = self.applicationautoscaling_backend
        if not known_arn(backend, arn):
            return not_found(self, arn)
        tags_of(backend).setdefault(arn, {}).update(self._get_param("Tags") or {})
        return json.dumps({})

    def untag_resource(self: Any) -> Any:
        arn = self._get_param("ResourceARN")
        backend = self.applicationautoscaling_backend
        if not known_arn(backend, arn):
            return not_found(self, arn)
        kept = tags_of(backend).setdefault(arn, {})
        for key in self._get_param("TagKeys") or []:
            kept.pop(key, None)
        return json.dumps({})

    original_deregister = backend_class.deregister_scalable_target

    def deregister_scalable_target(self: Any, namespace: str, r_id: str, dimension: str) -> None:
        target = self.targets.get(dimension, {}).get(r_id)
        original_deregister(self, namespace, r_id, dimension)
        if target is not None:
            tags_of(self).pop(target.arn, None)

    response_class.register_scalable_target = register_scalable_target
    response_class.list_tags_for_resource = list_tags_for_resource
    response_class.tag_resource = tag_resource
    response_class.untag_resource = untag_resource
    backend_class.deregister_scalable_target = deregister_scalable_target


def _s3_atomic_conditional_put() -> None:
    """S3 evaluates If-Match / If-None-Match and writes in one atomic step. moto 5.2.5 checks the
    condition, then writes, in separate steps of a threaded server: two simultaneous conditional
    PUTs of one key can both pass (seen once, under CPU load, as two package revisions both
    accepted on one parent). One lock around the PUT handler restores S3's guarantee."""
    from moto.s3.responses import S3Response

    original = S3Response.put_object
    lock = threading.Lock()

    def put_object(self: Any) -> Any:
        with lock:
            return original(self)

    S3Response.put_object = put_object


# Applied to every emulator (tests/harness/moto_server.py): fidelity fixes of behaviour that S3
# guarantees and every test may rely on, as opposed to the opt-in gaps below.
ALWAYS: list[Callable[[], None]] = [_s3_atomic_conditional_put]

PATCHES: dict[str, Callable[[], None]] = {
    "application-autoscaling-tags": _application_autoscaling_tags,
}


def apply(names: list[str]) -> None:
    """Applies ALWAYS and the named patches; an unknown name is an error, never silently ignored."""
    for patch in ALWAYS:
        patch()
    for name in names:
        if name not in PATCHES:
            raise SystemExit(f"unknown moto patch {name!r}; known: {sorted(PATCHES)}")
        PATCHES[name]()
