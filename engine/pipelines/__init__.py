"""Every operation on diffusers pipelines, behind the :class:`Family` interface (LTX-Video first)."""

from engine.pipelines.family import Family, FrameCondition, PassRequest
from engine.pipelines.ltx import LTXFamily
from engine.pipelines.plan import RenderPlan, plan
from engine.pipelines.profile import NativeProfile, load_profile

__all__ = ["Family", "FrameCondition", "LTXFamily", "NativeProfile", "PassRequest", "RenderPlan", "load_profile", "plan"]
