"""Packaging for CapFilt: one distribution holding the library, the pipelines, the models and the schemas.

Dataflow workers install the project from this file (`--setup_file ./setup.py`), so every
runtime dependency is declared here; `constraints.txt` pins the exact versions.
"""

from setuptools import find_namespace_packages, find_packages, setup

RUNTIME = [
    # Pipelines: Beam runs ingest and CapFilt locally (DirectRunner) and on Dataflow.
    "apache-beam>=2.60",
    # Models: transformers has BLIP, BLIP-2 and CLIP; we write only the training objectives.
    "torch>=2.2",
    "transformers>=4.45",
    "tokenizers>=0.20",
    "safetensors>=0.4",
    # Storage: Parquet through pyarrow; fsspec for gs://, s3:// and local paths alike.
    "pyarrow>=14",
    "pandas>=2,<3",
    "fsspec>=2023.1",
    "numpy>=1.24",
    # Images: decoding, rendering the demo world, perceptual hashes for near-duplicates.
    "pillow>=10",
    "imagehash>=4.3",
    # Ingest: img2dataset downloads; warcio reads WARC/WAT; lxml parses HTML; ftfy mends text.
    "img2dataset>=1.45",
    "warcio>=1.7",
    "lxml>=5",
    "ftfy>=6",
    # robots.txt per RFC 9309 (longest match, wildcards): Scrapy's parser; the stdlib one matches first-rule.
    "protego>=0.3",
    # Progress bars for every long local run.
    "tqdm>=4.62",
]

EXTRAS = {
    # datasets: tests prove that Hugging Face `datasets` reads our Parquet image column as an Image feature.
    "dev": ["pytest>=8", "pytest-timeout>=2.3", "ruff>=0.6", "datasets>=3"],
    # gcsfs lets fsspec read and write gs:// inputs, outputs and model folders on Dataflow.
    "gcp": ["apache-beam[gcp]>=2.60", "gcsfs>=2023.1"],
}

setup(
    name="capfilt",
    version="0.1.0",
    description="Image-text data curation for vision-language pretraining: BLIP's CapFilt on Apache Beam.",
    python_requires=">=3.10",
    # The shipped demo models are data folders under capfilt/assets/: declared as (namespace) packages so
    # setuptools installs them without its "Package would be ignored" warnings.
    packages=find_packages(include=["capfilt*", "pipelines*", "models*", "schemas*"])
    + find_namespace_packages(include=["capfilt.assets*"]),
    package_data={"capfilt": ["assets/**/*"]},
    include_package_data=True,
    install_requires=RUNTIME,
    extras_require=EXTRAS,
)
