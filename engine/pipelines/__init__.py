"""Every operation on diffusers pipelines, behind the :class:`Family` interface (LTX-Video, Wan)."""

from engine.pipelines.family import Family, FrameCondition, PassRequest
from engine.pipelines.ltx import LTXFamily
from engine.pipelines.plan import RenderPlan, plan
from engine.pipelines.profile import NativeProfile, load_profile
from engine.pipelines.wan import WanFamily

__all__ = ["Family", "FrameCondition", "LTXFamily", "NativeProfile", "PassRequest", "RenderPlan", "WanFamily",
           "load_profile", "plan"]
