"""Media in and out: safe decoding of uploads, H.264 MP4 encoding within a size limit, thumbnails, probing."""

from engine.media.audio import Sound, load_audio
from engine.media.decode import LoadedVideo, load_image, load_video
from engine.media.encode import encode_mp4, thumbnail
from engine.media.frames import fit_frames, interpolate, retime, to_uint8
from engine.media.limits import MediaLimits
from engine.media.probe import VideoInfo, probe

__all__ = [
    "LoadedVideo",
    "MediaLimits",
    "Sound",
    "VideoInfo",
    "encode_mp4",
    "fit_frames",
    "interpolate",
    "load_audio",
    "load_image",
    "load_video",
    "probe",
    "retime",
    "thumbnail",
    "to_uint8",
]
