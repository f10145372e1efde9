"""Every sentence the bot says, in English and Chinese. Replies follow the user's language."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

TEXTS: dict[str, dict[str, str]] = {
    "welcome": {
        "en": "Hi {name}! I make short videos from your words.\n"
        "Describe a scene, e.g. \u201ca golden retriever on a windowsill, vertical, 10 s\u201d.\n"
        "Reply to a clip to change it: \u201cmake it night\u201d, \u201cloop it\u201d, \u201ccontinue\u201d.\n"
        "You have {balance} credits.",
        "zh": "你好，{name}！我可以把你的描述变成短视频。\n"
        "描述一个场景，例如“窗台上犹豫的金毛，竖屏，10秒”。\n"
        "回复某个视频即可修改它：“改成夜晚”“做成循环”“接着拍”。\n"
        "你有 {balance} 积分。",
    },
    "help": {
        "en": "What I can do:\n"
        "\u2022 Describe a scene to make a video (add \u201cvertical\u201d, \u201csquare\u201d, \u201c720p\u201d, \u201c10 s\u201d, \u201c2 versions\u201d).\n"
        "\u2022 Send a photo (with a caption) to animate it.\n"
        "\u2022 Reply to a clip or name it (#12): \u201cmake it blue\u201d (remix), \u201ckeep the first 2 seconds and make him jump\u201d"
        " (re-cut), \u201ccontinue\u201d (extend), \u201cloop it\u201d, \u201cblend it with #7\u201d.\n"
        "\u2022 Storyboard: lines like \u201c0s: a seed / 5s: a tree\u201d, or \u201cadd a card at 5s: ...\u201d then \u201crender\u201d.\n"
        "\u2022 /balance, /history, /buy, /settings, /cancel.",
        "zh": "我能做的：\n"
        "\u2022 描述一个场景来生成视频（可加“竖屏”“正方形”“高清”“10秒”“两个版本”）。\n"
        "\u2022 发送照片（可带说明）让它动起来。\n"
        "\u2022 回复某个视频或用编号（#12）：“改成蓝色”（重制）、“保留前2秒，后面让他跳起来”（重剪）、“接着拍”（延长）、“做成循环”、“把它和#7连起来”。\n"
        "\u2022 分镜：每行一张卡片，如“第0秒：种子 第5秒：大树”，或“在第5秒加一张卡片：……”，然后说“渲染”。\n"
        "\u2022 /balance 余额、/history 历史、/buy 充值、/settings 设置、/cancel 取消。",
    },
    "balance": {"en": "Your balance: {balance} credits.", "zh": "你的余额：{balance} 积分。"},
    # New video or an edit of the clip in focus? (bot/ambiguity.py)
    "unsure_question": {"en": "Should I make a new video, or change #{clip}?", "zh": "要做一个新视频，还是修改 #{clip}？"},
    "unsure_new": {"en": "New video", "zh": "新视频"},
    "unsure_edit": {"en": "Change #{clip}", "zh": "修改 #{clip}"},
    "unsure_gone": {"en": "That question has expired; please send the message again.",
                    "zh": "这个问题已过期，请重新发送消息。"},
    "insufficient_credits": {
        "en": "This costs {price} credits but you have {balance}. Get more with /buy, wait for tomorrow's free "
        "credits, or pick cheaper settings (480p, shorter, fewer versions).",
        "zh": "这需要 {price} 积分，你只有 {balance} 积分。可以用 /buy 充值、等待明天的免费积分，或选择更便宜的设置（480p、更短、更少版本）。",
    },
    "confirm": {
        "en": "{what} will cost {price} credits (balance {balance}). Go ahead?",
        "zh": "{what} 需要 {price} 积分（余额 {balance}）。确定吗？",
    },
    "queued": {"en": "Queued #{position} \u2014 {what}", "zh": "排队第 {position} 位 \u2014 {what}"},
    "starting": {"en": "Starting \u2014 {what}", "zh": "开始生成 \u2014 {what}"},
    "rendering": {"en": "{bar} {percent}%{eta} \u2014 {what}", "zh": "{bar} {percent}%{eta} \u2014 {what}"},
    "encoding": {"en": "Encoding \u2014 {what}", "zh": "正在编码 \u2014 {what}"},
    "eta": {"en": ", about {seconds} s left", "zh": "，约剩 {seconds} 秒"},
    "done": {"en": "Done \u2014 {what}", "zh": "完成 \u2014 {what}"},
    "cancelled": {"en": "Cancelled; {refund} credits refunded.", "zh": "已取消，退回 {refund} 积分。"},
    "nothing_to_cancel": {"en": "Nothing of yours is waiting or running.", "zh": "你没有排队或进行中的任务。"},
    "failed": {
        "en": "Sorry, that failed: {reason}. Your {refund} credits were refunded.",
        "zh": "抱歉，生成失败：{reason}。已退回 {refund} 积分。",
    },
    "queue_full": {
        "en": "You already have {limit} videos waiting. Let one finish (or /cancel one) and try again.",
        "zh": "你已有 {limit} 个视频在排队。请等一个完成（或 /cancel 取消一个）后再试。",
    },
    "need_clip": {
        "en": "Which clip? Reply to one of my videos, or name it like #12.",
        "zh": "哪个视频？请回复我发的某个视频，或用编号如 #12。",
    },
    "need_two_clips": {
        "en": "Blending needs two clips, e.g. \u201cblend #3 with #5\u201d or reply to one and say \u201cblend it with #5\u201d.",
        "zh": "融合需要两个视频，例如“把#3和#5连起来”，或回复一个视频说“把它和#5连起来”。",
    },
    "no_such_clip": {"en": "I can't find clip {ref}.", "zh": "找不到视频 {ref}。"},
    "not_your_clip": {
        "en": "Clip {ref} isn't yours and hasn't been shared, so you can't use it.",
        "zh": "视频 {ref} 不是你的，也没有公开分享，不能使用。",
    },
    "not_yours_toast": {"en": "That's not your clip.", "zh": "这不是你的视频。"},
    "ask_remix": {"en": "What should change in #{clip}? (e.g. \u201cmake it night\u201d)", "zh": "#{clip} 要怎么改？（例如“改成夜晚”）"},
    "ask_recut": {
        "en": "Re-cut #{clip}: how many seconds to keep, and what happens next? (e.g. \u201ckeep the first 2 seconds and make him jump\u201d)",
        "zh": "重剪 #{clip}：保留前几秒、后面发生什么？（例如“保留前2秒，后面让他跳起来”）",
    },
    "need_keep_seconds": {
        "en": "How many seconds should I keep? e.g. \u201ckeep the first 2 seconds and ...\u201d",
        "zh": "要保留前几秒？例如“保留前2秒，后面……”",
    },
    "need_prompt": {"en": "Tell me what to make, e.g. \u201ca corgi surfing at sunset\u201d.", "zh": "请告诉我要生成什么，例如“一只柯基在日落时冲浪”。"},
    "history_empty": {"en": "No clips yet. Describe a scene to make your first one!", "zh": "还没有视频。描述一个场景来生成第一个吧！"},
    "history_header": {"en": "Your clips (page {page}):", "zh": "你的视频（第 {page} 页）："},
    "history_more": {"en": "More: \u201chistory {next}\u201d", "zh": "更多：“历史 {next}”"},
    "settings_saved": {"en": "Your defaults: {settings}.", "zh": "你的默认设置：{settings}。"},
    "settings_show": {
        "en": "Your defaults: {settings}. Change them like \u201cmake my default vertical 720p\u201d.",
        "zh": "你的默认设置：{settings}。可以这样修改：“默认竖屏高清”。",
    },
    "shared": {"en": "#{clip} is public now: anyone can remix it as #{clip}.", "zh": "#{clip} 已公开：任何人都可以用 #{clip} 重制它。"},
    "showcase_post": {"en": "#{clip} by {author}: {prompt}", "zh": "#{clip}，作者 {author}：{prompt}"},
    "buy_intro": {"en": "Choose a credit pack:", "zh": "选择积分包："},
    "payment_thanks": {"en": "Thanks! {credits} credits added; balance {balance}.", "zh": "谢谢！已添加 {credits} 积分，余额 {balance}。"},
    "payment_unknown_pack": {"en": "That pack is no longer offered.", "zh": "该积分包已下架。"},
    "refunded_payment": {"en": "Payment refunded; {credits} credits taken back.", "zh": "已退款，扣回 {credits} 积分。"},
    "admin_only": {"en": "Only admins can do that.", "zh": "只有管理员可以这样做。"},
    "blocked": {"en": "You can't use this bot.", "zh": "你无法使用此机器人。"},
    "granted": {"en": "Granted {amount} credits to {user}; their balance is {balance}.", "zh": "已给 {user} 发放 {amount} 积分，余额 {balance}。"},
    "user_blocked": {"en": "{user} is blocked.", "zh": "已封禁 {user}。"},
    "unknown_user": {"en": "No such user: {user}.", "zh": "没有这个用户：{user}。"},
    "storyboard_added": {
        "en": "Card added at {at} s. The storyboard has {count} card(s). Say \u201cshow the storyboard\u201d or \u201crender\u201d.",
        "zh": "已在第 {at} 秒添加卡片，分镜共 {count} 张。说“显示分镜”或“渲染”。",
    },
    "storyboard_show": {"en": "Storyboard:\n{cards}", "zh": "分镜：\n{cards}"},
    "storyboard_empty": {
        "en": "The storyboard is empty. Add cards like \u201cadd a card at 5s: a tree grows\u201d.",
        "zh": "分镜是空的。这样添加：“在第5秒加一张卡片：一棵树长大”。",
    },
    "storyboard_cleared": {"en": "Storyboard cleared.", "zh": "分镜已清空。"},
    "picture_card_added": {
        "en": "Picture card {number} at {at} s: \u201c{text}\u201d. Keep it, or give it other words with \u201ccard {number}: \u2026\u201d.",
        "zh": "第 {number} 张卡片（第 {at} 秒，图片）：“{text}”。可以保留，或者用“卡片{number}：……”改写文字。",
    },
    "picture_card_no_text": {
        "en": "Picture card {number} added at {at} s, but I couldn't write its text this time. Give it words with \u201ccard {number}: \u2026\u201d, or keep it as a picture only.",
        "zh": "已在第 {at} 秒添加第 {number} 张图片卡片，但这次没能为它写出文字。可以用“卡片{number}：……”写上文字，或只保留图片。",
    },
    "storyboard_card_changed": {"en": "Card {number} at {at} s now reads: \u201c{text}\u201d.",
                                "zh": "第 {number} 张卡片（第 {at} 秒）现在是：“{text}”。"},
    "storyboard_no_card_number": {"en": "There is no card {number}: the storyboard has {count} card(s).",
                                  "zh": "没有第 {number} 张卡片：分镜共有 {count} 张。"},
    "open_timeline": {"en": "Open timeline", "zh": "打开时间线"},
    "board_title": {"en": "Storyboard", "zh": "分镜"},
    "board_summary": {"en": "{count} card(s) \u00b7 {aspect} \u00b7 {resolution} \u00b7 {duration} s",
                      "zh": "{count} 张卡片 \u00b7 {aspect} \u00b7 {resolution} \u00b7 {duration} 秒"},
    "board_price": {"en": " \u00b7 {price} credits", "zh": " \u00b7 {price} 积分"},
    "board_add": {"en": "Add card", "zh": "添加卡片"},
    "board_edit": {"en": "Edit", "zh": "编辑"},
    "board_remove": {"en": "Remove", "zh": "删除"},
    "board_render": {"en": "Render", "zh": "渲染"},
    "board_more": {"en": "\u2026and {count} more card(s): say \u201cshow the storyboard\u201d to see them all.",
                   "zh": "\u2026还有 {count} 张卡片：说\u201c显示分镜\u201d查看全部。"},
    "board_not_yours": {"en": "That board is someone else's; /storyboard shows yours.",
                        "zh": "这不是你的分镜；用 /storyboard 查看你自己的。"},
    "board_bad_time": {"en": "A card's time is a number of seconds, like 5 or 2.5.",
                       "zh": "卡片的时间是秒数，例如 5 或 2.5。"},
    "board_no_card": {"en": "There is no card at {at} s any more.", "zh": "第 {at} 秒已经没有卡片了。"},
    "board_time_taken": {"en": "There is already a card at {at} s.", "zh": "第 {at} 秒已经有一张卡片了。"},
    "board_full": {"en": "A storyboard holds at most {limit} cards.", "zh": "一个分镜最多 {limit} 张卡片。"},
    "board_not_a_picture": {"en": "A card's picture must be an image.", "zh": "卡片的图片必须是图像文件。"},
    "board_chat_disabled": {"en": "The bot is switched off in this chat.", "zh": "本聊天已关闭机器人。"},
    "board_card_add": {"en": "Add a card", "zh": "添加卡片"},
    "board_card_edit": {"en": "The card at {at} s", "zh": "第 {at} 秒的卡片"},
    "board_card_time": {"en": "Time (seconds from the start)", "zh": "时间（从开头算起的秒数）"},
    "board_card_text": {"en": "What happens", "zh": "画面内容"},
    "board_card_picture": {"en": "Picture (optional)", "zh": "图片（可选）"},
    "prompt_too_long": {
        "en": "That description is {length} characters; please keep it under {limit}.",
        "zh": "描述有 {length} 个字符，请控制在 {limit} 以内。",
    },
    "forget_ask": {
        "en": "Forget you? This deletes your clips, prompts, drafts and chat history here for good. Credits you "
        "have are lost, and a new start brings no welcome credits.",
        "zh": "要删除你的数据吗？这会永久删除你的视频、描述、草稿和聊天记录。剩余积分将作废，重新开始也不会再送欢迎积分。",
    },
    "forget_button": {"en": "Yes, forget me", "zh": "确定删除"},
    "forget_keep": {"en": "No, keep it", "zh": "不，保留"},
    "forget_not_yours": {"en": "That question was for someone else.", "zh": "这个问题不是问你的。"},
    "forget_kept": {"en": "Nothing was deleted.", "zh": "没有删除任何内容。"},
    "forget_done": {"en": "Done: I have forgotten you. Write again any time to start afresh.",
                    "zh": "完成：你的数据已删除。随时可以重新开始。"},
    "forget_busy": {"en": "You have {jobs} video(s) waiting or rendering. /cancel them or wait, then /forget again.",
                    "zh": "你还有 {jobs} 个视频在排队或生成中。请先 /cancel 取消或等待完成，然后再 /forget。"},
    "moderation_refused": {
        "en": "I can't make that: the description breaks this bot's content rules. Nothing was charged.",
        "zh": "无法生成：该描述违反了本机器人的内容规则。未扣除任何积分。",
    },
    "rate_limited": {"en": "You're sending messages too fast; please wait {seconds} s.",
                     "zh": "你发送消息太快了，请等待 {seconds} 秒。"},
    "report_need_clip": {"en": "Reply to a clip with /report to report it.", "zh": "请回复某个视频并发送 /report 来举报。"},
    "report_thanks": {"en": "Thanks, the operators have been told about #{clip}.", "zh": "谢谢，已将 #{clip} 报告给管理员。"},
    "report_notice": {"en": "Report: clip #{clip} (by user {owner}) was reported by {reporter} in {chat}.",
                      "zh": "举报：视频 #{clip}（用户 {owner}）被 {reporter} 在 {chat} 举报。"},
    "rerender_impossible": {
        "en": "Clip #{clip} can't be made again: what it was made from is gone too.",
        "zh": "视频 #{clip} 无法重新生成：制作它所用的素材也已不存在。",
    },
    "clip_expired": {"en": "expired", "zh": "已过期"},
    "clip_expired_rerender": {
        "en": "Clip #{clip} has expired (its file was deleted). Re-render it from its recipe, same seed, for {price} "
        "credits?",
        "zh": "视频 #{clip} 已过期（文件已删除）。按原配方、同一随机种子重新生成，需要 {price} 积分，要继续吗？",
    },
    "bad_upload": {"en": "I couldn't use that file: {reason}", "zh": "无法使用这个文件：{reason}"},
    "upload_too_large": {
        "en": "That file is {size_mb} MB; the limit is {limit_mb} MB.",
        "zh": "文件大小为 {size_mb} MB，上限是 {limit_mb} MB。",
    },
    "upload_too_large_here": {
        "en": "That file is {size_mb} MB, too large for me to fetch here. Please send a smaller one.",
        "zh": "文件大小为 {size_mb} MB，太大了，我无法在这里获取。请发送小一点的文件。",
    },
    "dms_off": {
        "en": "I only work in servers here: mention me in a channel.",
        "zh": "我在这里只在服务器中工作：请在频道里提及我。",
    },
    "dms_operator": {
        "en": "Direct messages belong to no server, so the bot's operator decides them (DISCORD_DMS_ALLOWED).",
        "zh": "私信不属于任何服务器，由机器人的运营者决定（DISCORD_DMS_ALLOWED）。",
    },
    "invalid_request": {"en": "I can't do that: {reason}", "zh": "无法完成：{reason}"},
    "cancelled_confirm": {"en": "OK, cancelled.", "zh": "好的，已取消。"},
    "expired": {"en": "That button has expired.", "zh": "这个按钮已失效。"},
    "internal_error": {
        "en": "Something went wrong on my side. Nothing was charged; please try again.",
        "zh": "我这边出了点问题，没有扣费，请再试一次。",
    },
    "clip_caption": {"en": "#{clip} \u00b7 {what} \u00b7 {settings} \u00b7 {cost} credits", "zh": "#{clip} \u00b7 {what} \u00b7 {settings} \u00b7 {cost} 积分"},
    "lineage": {"en": "{op} of #{parent}", "zh": "#{parent} 的{op}"},
    "credit": {"en": " by {author}", "zh": "（原作者 {author}）"},
}

#: Words for failures reported by the engine (``JobEvent.error_code``).
REASONS: dict[str, dict[str, str]] = {
    "timeout": {"en": "it took too long", "zh": "耗时过长"},
    "out_of_memory": {"en": "the GPU ran out of memory", "zh": "显存不足"},
    "worker_lost": {"en": "the video machine restarted", "zh": "视频服务器重启了"},
    "unsupported": {"en": "this model can't do that operation", "zh": "当前模型不支持这个操作"},
    # UnsupportedOperation's codes: the engine refuses what the loaded model cannot do, and says why.
    "unsupported_operation": {"en": "this model can't do that operation", "zh": "当前模型不支持这个操作"},
    "unsupported_text_only": {
        "en": "this model only makes clips from text; it can't start or end on given frames",
        "zh": "当前模型只能根据文字生成，不能以指定的画面开始或结束",
    },
    "unsupported_needs_image": {
        "en": "this model needs a picture to start from; it can't make a clip from text alone",
        "zh": "当前模型需要一张起始图片，不能只根据文字生成",
    },
    "unsupported_first_frame_only": {
        "en": "this model can fix only the first frame, so it can't join two clips or close a loop",
        "zh": "当前模型只能固定第一帧，无法融合两个视频或做成循环",
    },
    "unsupported_no_remix": {"en": "this model can't repaint an existing clip", "zh": "当前模型无法重制已有视频"},
    "unsupported_sound": {"en": "this model makes video without sound", "zh": "当前模型生成的视频没有声音"},
    "unsupported_pinned_frame": {
        "en": "this model can fix only the first and last frames; a picture in the middle needs a VACE model",
        "zh": "当前模型只能固定首尾帧，在中间放图片需要 VACE 模型",
    },
    "bad_input": {"en": "the source clip can't be used that way", "zh": "源视频无法这样使用"},
    "unreadable_image": {"en": "that is not an image I can read", "zh": "这不是可读取的图片"},
    "unreadable_video": {"en": "that is not a video I can read", "zh": "这不是可读取的视频"},
    "too_large": {"en": "the file is too large", "zh": "文件太大"},
    "too_long": {"en": "the video is too long", "zh": "视频太长"},
    "cancelled": {"en": "it was cancelled", "zh": "已取消"},
}
DEFAULT_REASON = {"en": "an unexpected error", "zh": "意外错误"}

OP_NAMES: dict[str, dict[str, str]] = {
    "generate": {"en": "video", "zh": "视频"},
    "animate": {"en": "animation", "zh": "动画"},
    "remix": {"en": "remix", "zh": "重制"},
    "recut": {"en": "re-cut", "zh": "重剪"},
    "extend": {"en": "extension", "zh": "延长"},
    "blend": {"en": "blend", "zh": "融合"},
    "loop": {"en": "loop", "zh": "循环"},
    "storyboard": {"en": "storyboard", "zh": "分镜"},
    "upload": {"en": "upload", "zh": "上传"},
}

BUTTON_LABELS: dict[str, dict[str, str]] = {
    "remix": {"en": "Remix", "zh": "重制"},
    "recut": {"en": "Re-cut", "zh": "重剪"},
    "extend": {"en": "Extend", "zh": "延长"},
    "loop": {"en": "Loop", "zh": "循环"},
    "var": {"en": "Variations", "zh": "变体"},
    "share": {"en": "Share", "zh": "分享"},
    "yes": {"en": "Yes", "zh": "确定"},
    "cheaper": {"en": "Cheaper settings", "zh": "更便宜的设置"},
    "no": {"en": "Cancel", "zh": "取消"},
    "cancel": {"en": "Cancel", "zh": "取消"},
    "rerender": {"en": "Re-render", "zh": "重新生成"},
}


def language_of(text: str, fallback: str | None = None) -> str:
    """``zh`` when the text has Chinese characters, else the platform's hint, else English."""
    if _CJK.search(text or ""):
        return "zh"
    if fallback and fallback.lower().startswith("zh"):
        return "zh"
    return "en"


def t(key: str, lang: str, **params) -> str:
    table = TEXTS[key]
    return table.get(lang, table["en"]).format(**params)


def reason(code: str | None, lang: str) -> str:
    words = REASONS.get(code or "", DEFAULT_REASON)
    return words.get(lang, words["en"])


def op_name(op: str, lang: str) -> str:
    words = OP_NAMES.get(op, {"en": op})
    return words.get(lang, words["en"])


def button_label(action: str, lang: str) -> str:
    words = BUTTON_LABELS[action]
    return words.get(lang, words["en"])
