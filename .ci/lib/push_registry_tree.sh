#!/usr/bin/env bash
# Usage: DEPLOY_KEY=<ssh private key> push_registry_tree.sh <tree> <owner/repository> <tag>.
# Commits the registry tree (terraform_registry_tree.sh) on top of the registry repository's main
# branch and pushes that commit and the release tag; the Terraform Registry turns the tag into a
# module version. The key is written to a private temporary file only for the push and removed.
set -euo pipefail

tree="${1:?tree}" repository="${2:?owner/repository}" tag="${3:?tag}"
: "${DEPLOY_KEY:?DEPLOY_KEY must hold the registry repository's deploy key}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
umask 077
printf '%s\n' "$DEPLOY_KEY" >"$work/key"
export GIT_SSH_COMMAND="ssh -i $work/key -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new"

git clone --depth 1 "git@github.com:$repository.git" "$work/repo"
# The tree replaces the previous release's files entirely (a removed module disappears).
find "$work/repo" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
cp -R "$tree"/. "$work/repo"/
cd "$work/repo"
git add -A
git -c user.name="quilt-mcp release" -c user.email="release@users.noreply.github.com" \
  commit --allow-empty -m "quilt-mcp $tag"
git tag "$tag"
git push origin HEAD:main "refs/tags/$tag"
