"""Hosted tools, files and vector stores through the real Runner against the emulator."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from agents import (
    Agent,
    CodeInterpreterTool,
    FileSearchTool,
    HostedMCPTool,
    ImageGenerationTool,
    LocalShellTool,
    RunConfig,
    Runner,
    WebSearchTool,
)

from agents_oci import IAMRequiredError, OCIProvider, UnsupportedHostedToolError
from agents_oci.http.core import route_host
from agents_oci.testing import OCIEmulator

from .conftest import CHAT_MODEL, RESPONSES_MODEL, auth_for

MODEL = f"responses:{RESPONSES_MODEL}"
GUIDE = b"""Returns policy

Items can be returned within 30 days of delivery with the receipt.

Shipping

Orders ship from the Chicago warehouse within two business days.
"""


def provider(emu: OCIEmulator, kind: str = "api_key", **extra: Any) -> OCIProvider:
    return OCIProvider(**auth_for(emu, kind, project_id=emu.project_id, **extra).keywords)


async def vector_store_with_guide(oci: OCIProvider) -> str:
    client = oci.client()
    uploaded = await client.files.create(file=("guide.txt", GUIDE), purpose="assistants")
    store = await client.vector_stores.create(name="support docs")
    attached = await client.vector_stores.files.create(store.id, file_id=uploaded.id)
    while attached.status != "completed":  # OCI indexes asynchronously; wait for it
        attached = await client.vector_stores.files.retrieve(uploaded.id, vector_store_id=store.id)
    return store.id


def raw_types(items: list[Any]) -> list[str]:
    out = []
    for item in items:
        raw = item.raw_item
        out.append(raw.get("type") if isinstance(raw, dict) else getattr(raw, "type", ""))
    return out


async def test_vector_store_crud_goes_to_the_control_plane(emu: OCIEmulator) -> None:
    oci = provider(emu)
    client = oci.client()
    store = await client.vector_stores.create(name="docs")
    assert (await client.vector_stores.retrieve(store.id)).name == "docs"
    assert [s.id async for s in client.vector_stores.list()] == [store.id]
    await client.vector_stores.update(store.id, name="renamed")
    deleted = await client.vector_stores.delete(store.id)
    assert deleted.deleted
    crud = emu.requests(method=None)
    assert len(crud) == 5
    for entry in crud:
        assert entry.path.startswith("/20231130/openai/v1/vector_stores")
        assert entry.auth_scheme == "signature" and entry.principal is not None
    await oci.aclose()


def test_the_signed_transport_rewrites_the_oci_host() -> None:
    base = "https://inference.generativeai.us-chicago-1.oci.oraclecloud.com/openai/v1"
    request = httpx2.Request("POST", base + "/vector_stores")
    route_host(request)
    assert str(request.url) == (
        "https://generativeai.us-chicago-1.oci.oraclecloud.com/20231130/openai/v1/vector_stores"
    )
    assert request.headers["host"] == "generativeai.us-chicago-1.oci.oraclecloud.com"
    search = httpx2.Request("POST", base + "/vector_stores/vs_1/search")
    route_host(search)
    assert search.url.host.startswith("inference.")  # search stays on the inference host


async def test_the_inference_host_refuses_vector_store_crud(emu: OCIEmulator) -> None:
    emu.verify_signatures = False
    headers = {"openai-project": emu.project_id}
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=emu.app), headers=headers
    ) as http:
        wrong = await http.post(emu.inprocess_base_url + "/vector_stores", json={})
        right = await http.post(emu.inprocess_control_plane_url + "/vector_stores", json={})
    assert wrong.status_code == 404 and "control-plane host" in wrong.json()["message"]
    assert right.status_code == 401  # the control plane wants an IAM signature


async def test_vector_store_crud_refused_with_an_api_key(emu: OCIEmulator) -> None:
    oci = OCIProvider(base_url=emu.base_url, api_key=emu.register_bearer_key(), project_id=emu.project_id)
    with pytest.raises(IAMRequiredError, match="IAM"):
        await oci.client().vector_stores.create(name="docs")
    assert not emu.requests("/vector_stores")
    # Files work with an API key.
    uploaded = await oci.client().files.create(file=("a.txt", b"hello"), purpose="assistants")
    assert uploaded.bytes == 5
    await oci.aclose()


async def test_file_search_answers_from_the_uploaded_file_with_a_citation(
    emu: OCIEmulator,
) -> None:
    oci = provider(emu)
    store_id = await vector_store_with_guide(oci)
    agent = Agent(
        name="Docs",
        model=MODEL,
        tools=[FileSearchTool(vector_store_ids=[store_id], include_search_results=True)],
    )
    result = await Runner.run(
        agent, "How many days do I have to return items?", run_config=RunConfig(model_provider=oci)
    )
    assert "30 days" in result.final_output
    assert "file_search_call" in raw_types(result.new_items)
    call = next(i.raw_item for i in result.new_items if raw_types([i]) == ["file_search_call"])
    assert call.results and call.results[0].filename == "guide.txt"
    message = result.new_items[-1].raw_item
    annotation = message.content[0].annotations[0]
    assert annotation.type == "file_citation" and annotation.filename == "guide.txt"
    hits = await oci.client().vector_stores.search(store_id, query="Chicago warehouse")
    assert "two business days" in hits.data[0].content[0].text
    await oci.aclose()


async def test_code_interpreter_items_in_runs_and_streams(emu: OCIEmulator) -> None:
    oci = provider(emu)
    config = RunConfig(model_provider=oci)
    tool = CodeInterpreterTool(
        tool_config={"type": "code_interpreter", "container": {"type": "auto"}}
    )
    agent = Agent(name="Calc", model=MODEL, tools=[tool])
    result = await Runner.run(agent, "What is 6 * 7?", run_config=config)
    assert "code_interpreter_call" in raw_types(result.new_items)
    assert "42" in result.final_output
    streamed = Runner.run_streamed(agent, "What is 6 * 7?", run_config=config)
    seen = [
        raw_types([event.item])[0]
        async for event in streamed.stream_events()
        if event.type == "run_item_stream_event"
    ]
    assert "code_interpreter_call" in seen and "42" in streamed.final_output
    await oci.aclose()


async def test_mcp_calls_the_emulators_stand_in(emu: OCIEmulator) -> None:
    oci = provider(emu)
    config = RunConfig(model_provider=oci)
    tool = HostedMCPTool(
        tool_config={
            "type": "mcp",
            "server_label": "emu",
            "server_url": emu.mcp_url,
            "require_approval": "never",
        }
    )
    agent = Agent(name="Tools", model=MODEL, tools=[tool])
    result = await Runner.run(agent, 'Use echo on "hello there"', run_config=config)
    assert raw_types(result.new_items)[:2] == ["mcp_list_tools", "mcp_call"]
    assert "hello there" in result.final_output
    streamed = Runner.run_streamed(agent, 'Use word_count on "one two three"', run_config=config)
    seen = [
        raw_types([event.item])[0]
        async for event in streamed.stream_events()
        if event.type == "run_item_stream_event"
    ]
    assert "mcp_call" in seen and "3" in streamed.final_output
    await oci.aclose()


async def test_mcp_approval_flow(emu: OCIEmulator) -> None:
    oci = provider(emu)
    asked: list[str] = []

    def approve(request: Any) -> Any:
        asked.append(request.data.name)
        return {"approve": True}

    tool = HostedMCPTool(
        tool_config={"type": "mcp", "server_label": "emu", "server_url": emu.mcp_url},
        on_approval_request=approve,
    )
    agent = Agent(name="Tools", model=MODEL, tools=[tool])
    result = await Runner.run(
        agent, 'Use echo on "approved words"', run_config=RunConfig(model_provider=oci)
    )
    assert asked == ["echo"]
    kinds = raw_types(result.new_items)
    assert "mcp_approval_request" in kinds and "mcp_call" in kinds
    assert "approved words" in result.final_output
    await oci.aclose()


def test_the_mcp_stand_in_speaks_json_rpc(emu: OCIEmulator) -> None:
    listed = httpx2.post(emu.mcp_url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert [t["name"] for t in listed.json()["result"]["tools"]] == ["echo", "word_count"]
    call = {"name": "echo", "arguments": {"text": "hi"}}
    called = httpx2.post(
        emu.mcp_url, json={"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": call}
    )
    assert called.json()["result"]["content"][0]["text"] == "hi"


UNSUPPORTED = [
    WebSearchTool(),
    ImageGenerationTool(tool_config={"type": "image_generation"}),
    LocalShellTool(executor=lambda request: ""),
]


@pytest.mark.parametrize("tool", UNSUPPORTED, ids=lambda t: type(t).__name__)
async def test_unsupported_hosted_tools_fail_before_any_request(
    emu: OCIEmulator, tool: Any
) -> None:
    agent = Agent(name="x", model=MODEL, tools=[tool])
    with pytest.raises(UnsupportedHostedToolError, match="FileSearchTool, CodeInterpreterTool"):
        await Runner.run(agent, "hi", run_config=RunConfig(model_provider=provider(emu)))
    assert len(emu.journal) == 0


async def test_hosted_tools_on_chat_completions_say_use_responses(emu: OCIEmulator) -> None:
    agent = Agent(name="x", model=CHAT_MODEL, tools=[FileSearchTool(vector_store_ids=["vs_1"])])
    with pytest.raises(UnsupportedHostedToolError, match=f"responses:{CHAT_MODEL}"):
        await Runner.run(agent, "hi", run_config=RunConfig(model_provider=provider(emu)))
    assert len(emu.journal) == 0


async def test_the_emulator_refuses_unsupported_tool_types(emu: OCIEmulator) -> None:
    oci = provider(emu)
    with pytest.raises(Exception, match="web_search") as caught:
        await oci.client().responses.create(
            model=RESPONSES_MODEL, input="hi", tools=[{"type": "web_search"}]
        )
    assert json.dumps(getattr(caught.value, "body", {})).count("file_search") == 1
    await oci.aclose()
