"""Symbolic links are never read, copied or published (issue 15).

Git stores links, so a pull request can add ``content/posts/p/photo.jpg -> /etc/passwd``. Each
case here is a site that a build once published the target of (or read through): every one is
now an error naming the link, in ``build`` and ``check``, and nothing reaches an output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from sitetools import RunCli, post

SECRET = "hostile-secret-7f3a"  # what a link would leak; never in any output
LINK_MESSAGE = "links are never read or published; put the file itself here"
BUNDLE_POST = post("Bundle", body="![A photo](photo.png)\n")
PAGE = "---\ntitle: About\n---\nHi.\n"
COMMENT_ID = "01JDX3AAAAAAAAAAAAAAAAAAAA"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside every site, standing in for /etc/passwd or a CI secret."""
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text(f"{SECRET}\n")
    return path


def link(path: Path, target: Path | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


def assert_refused(
    run_cli: RunCli, root: Path, expected: list[str], *, also_build: bool = True
) -> None:
    """check and build fail with exactly these errors; nothing is written."""
    for command in ("check", "build") if also_build else ("check",):
        code, stdout, stderr = run_cli([command], root)
        lines = [
            line
            for line in stderr.splitlines()
            if not line.startswith(("check:", "Build")) and ": warning: " not in line
        ]
        assert code == 1, stderr
        assert sorted(lines) == sorted(expected), stderr
        assert "Traceback" not in stderr + stdout
        assert SECRET not in stderr + stdout
    assert not (root / "public").exists()


def link_line(path: str, target: Path | str) -> str:
    return f"{path}: symbolic link (to {target}): {LINK_MESSAGE}"


def test_a_linked_file_in_a_post_bundle_is_refused(
    make_site: Callable[..., Path], run_cli: RunCli, secret: Path
) -> None:
    root = make_site({"content/posts/bundle/index.md": BUNDLE_POST})
    link(root / "content/posts/bundle/photo.png", secret)
    link(root / "content/posts/bundle/environ", "/proc/self/environ")
    assert_refused(
        run_cli,
        root,
        [
            link_line("content/posts/bundle/environ", "/proc/self/environ"),
            link_line("content/posts/bundle/photo.png", secret),
        ],
    )


def test_even_a_link_inside_its_own_bundle_is_refused(
    make_site: Callable[..., Path], run_cli: RunCli
) -> None:
    """A link is refused whatever it points at: no resolving, no judging of targets."""
    root = make_site(
        {"content/posts/bundle/index.md": BUNDLE_POST, "content/posts/bundle/real.png": b"png"}
    )
    link(root / "content/posts/bundle/photo.png", "real.png")
    assert_refused(run_cli, root, [link_line("content/posts/bundle/photo.png", "real.png")])


@pytest.mark.parametrize(
    ("name", "files", "make_link"),
    [
        (
            "content/posts/bundle/assets",
            {"content/posts/bundle/index.md": BUNDLE_POST},
            "folder",
        ),
        ("content/posts/linked.md", {}, "file"),
        ("content/posts/more", {}, "folder"),
        ("content/pages/about/secret.txt", {"content/pages/about/index.md": PAGE}, "file"),
        ("content/pages/impressum.md", {}, "file"),
        ("content/authors/eve.yaml", {}, "file"),
        ("content/comments/bundle", {}, "folder"),
        (f"content/comments/hello/{COMMENT_ID}.yaml", {"content/posts/hello.md": post()}, "file"),
        ("content/posts", {}, "folder"),
    ],
)
def test_links_anywhere_in_content_are_refused(
    name: str,
    files: dict[str, str],
    make_link: str,
    make_site: Callable[..., Path],
    run_cli: RunCli,
    secret: Path,
    tmp_path: Path,
) -> None:
    """Linked posts, pages, authors, comments and folders: each an error naming the link."""
    root = make_site({"content/posts/first.md": post("First"), **files})
    target: Path = secret
    if make_link == "folder":
        target = tmp_path / "outside-folder"
        (target / "x").mkdir(parents=True, exist_ok=True)
        (target / "leak.md").write_text(post(SECRET))
        (target / "x" / f"{COMMENT_ID}.yaml").write_text(f"name: {SECRET}\n")
        shutil.copyfile(secret, target / "leak.txt")
    if name == "content/posts":
        shutil.rmtree(root / "content/posts")
        (root / "content/pages").mkdir(parents=True)
        (root / "content/pages/about.md").write_text(PAGE)
    link(root / name, target)
    assert_refused(run_cli, root, [link_line(name, target)])


def test_avatar_and_teaser_image_stay_in_their_folder(
    make_site: Callable[..., Path], run_cli: RunCli, secret: Path
) -> None:
    outside = "must name a file in its folder: no absolute path, no '..', no symbolic link"
    root = make_site(
        {
            "content/authors/alice.yaml": "name: Alice\navatar: alice.png\n",
            "content/authors/bob.yaml": f"name: Bob\navatar: {secret}\n",
            "content/authors/carol.yaml": "name: Carol\navatar: ../../../../../../etc/passwd\n",
            "content/posts/teaser/index.md": post(image="../../../../../../../etc/passwd"),
        }
    )
    link(root / "content/authors/alice.png", secret)
    assert_refused(
        run_cli,
        root,
        [
            link_line("content/authors/alice.png", secret),
            f"content/authors/alice.yaml:2: avatar 'alice.png' {outside}",
            f"content/authors/bob.yaml:2: avatar '{secret}' {outside}",
            f"content/authors/carol.yaml:2: avatar '../../../../../../etc/passwd' {outside}",
            f"content/posts/teaser/index.md:5: image '../../../../../../../etc/passwd' {outside}",
        ],
    )


def test_theme_links_are_refused(
    make_site: Callable[..., Path], run_cli: RunCli, secret: Path
) -> None:
    """A site's own theme is in git too: a linked static file or template is refused."""
    root = make_site(
        {
            "site.yaml": "title: T\nbase_url: https://example.com/\ntheme: mine\n",
            "content/posts/hello.md": post(),
            "themes/mine/theme.yaml": "extends: default\n",
        }
    )
    link(root / "themes/mine/static/leak.txt", secret)
    link(root / "themes/mine/templates/leak.html", secret)
    assert_refused(
        run_cli,
        root,
        [
            link_line("themes/mine/static/leak.txt", secret),
            link_line("themes/mine/templates/leak.html", secret),
        ],
    )


def test_a_link_added_after_a_build_is_found_despite_the_cache(
    make_site: Callable[..., Path], run_cli: RunCli, secret: Path
) -> None:
    root = make_site(
        {"content/posts/bundle/index.md": BUNDLE_POST, "content/posts/bundle/photo.png": b"x"}
    )
    assert run_cli(["build"], root)[0] == 0
    before = {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    link(root / "content/posts/bundle/extra.txt", secret)
    code, _, stderr = run_cli(["build"], root)
    assert code == 1
    assert link_line("content/posts/bundle/extra.txt", secret) in stderr.splitlines()
    after = {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    assert after == before


def test_an_image_path_out_of_the_bundle_is_never_opened(
    make_site: Callable[..., Path], run_cli_subprocess: RunCli, tmp_path: Path
) -> None:
    """``![x](../../../fifo)`` names another page's URL, not a file to read: the build does
    not open it (a FIFO there made it wait for ever)."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    root = make_site()
    bundle = root / "content/posts/bundle"
    bundle.mkdir(parents=True)
    relative = os.path.relpath(fifo, bundle)
    (bundle / "index.md").write_text(post(body=f"![x]({relative})\n"))
    code, _, stderr = run_cli_subprocess(["build"], root, timeout=60)
    assert code == 0, stderr


def test_special_files_are_refused(
    make_site: Callable[..., Path], run_cli_subprocess: RunCli
) -> None:
    """A FIFO posing as an image made the build wait for ever (a subprocess, so a hang fails)."""
    root = make_site({"content/posts/bundle/index.md": BUNDLE_POST})
    os.mkfifo(root / "content/posts/bundle/photo.png")
    message = "not a regular file: only plain files are read and published"
    for command in ("check", "build"):
        code, _, stderr = run_cli_subprocess([command], root, timeout=60)
        assert code == 1
        assert f"content/posts/bundle/photo.png: {message}" in stderr.splitlines()


def test_serve_does_not_publish_a_linked_file(
    make_site: Callable[..., Path], secret: Path, tmp_path: Path
) -> None:
    """``serve`` builds before serving: the link fails its build, so nothing of it is served."""
    from serve.conftest import SERVING, Serve

    root = make_site(
        {"content/posts/bundle/index.md": BUNDLE_POST, "content/posts/bundle/photo.png": b"x"}
    )
    link(root / "content/posts/bundle/leak.txt", secret)
    server = Serve(root, "--port", "0")
    try:
        server.url = server.wait_for(SERVING.pattern).group(1)
        server.wait_for(r"Build failed", stream="err")
        for path in ("2024/03/bundle/leak.txt", "2024/03/bundle/photo.png"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(server.url + path, timeout=10)
            assert refused.value.code == 404
            assert SECRET not in refused.value.read().decode()
    finally:
        _, _, err = server.stop()
    assert "content/posts/bundle/leak.txt: symbolic link" in err
    assert "Traceback" not in err


def test_nofollow_reads_and_copies_only_regular_files(tmp_path: Path, secret: Path) -> None:
    from generator.nofollow import UnsafeFile, copy_file, read_bytes

    link(tmp_path / "a-link", secret)
    os.mkfifo(tmp_path / "a-fifo")
    for name in ("a-link", "a-fifo"):
        with pytest.raises(UnsafeFile):
            read_bytes(tmp_path / name)
        with pytest.raises(UnsafeFile):
            copy_file(tmp_path / name, tmp_path / "copy")
    copy_file(secret, tmp_path / "copy")
    assert read_bytes(tmp_path / "copy") == secret.read_bytes()
    assert subprocess.run(["test", "-L", str(tmp_path / "copy")], check=False).returncode == 1


def test_a_linked_site_yaml_is_refused(
    make_site: Callable[..., Path], run_cli: RunCli, tmp_path: Path
) -> None:
    """site.yaml is in git too: its errors quote its keys, so a link would print a file."""
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text(f"{SECRET}: 1\ntitle: T\nbase_url: https://example.com/\n")
    root = make_site({"content/posts/hello.md": post()})
    (root / "site.yaml").unlink()
    link(root / "site.yaml", elsewhere)
    assert_refused(run_cli, root, [link_line("site.yaml", elsewhere)])
