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
    # JPEG via libjpeg-turbo with warnings raised: Pillow ignores "premature end" and fills the rest grey.
    "simplejpeg>=1.8",
    # Ingest: img2dataset downloads; warcio reads ARC; lxml for the demo world's WAT; ftfy mends text.
    "img2dataset>=1.45",
    "warcio>=1.7",
    "lxml>=5",
    "ftfy>=6",
    # Crawl files: FastWARC reads WARC/WAT and reports damaged records; Resiliparse parses HTML5 (no depth or
    # size limit) and detects encodings; webencodings is the WHATWG charset label table; srcset parses
    # srcset as the HTML standard does; brotli and zstandard decode br/zstd HTTP bodies.
    "fastwarc>=2.0.1",
    "resiliparse>=2.0.1",
    "webencodings>=0.5",
    "srcset>=0.2",
    "brotli>=1.1",
    "zstandard>=0.22",
    # robots.txt per RFC 9309 (longest match, wildcards): Scrapy's parser; the stdlib one matches first-rule.
    "protego>=0.3",
    # URLs read as browsers read them (WHATWG URL standard, Node.js's parser): percent-encoding, IDNA.
    "ada-url>=4",
    # Progress bars for every long local run.
    "tqdm>=4.62",
]

EXTRAS = {
    # datasets: tests prove that Hugging Face `datasets` reads our Parquet image column as an Image feature.
    # beautifulsoup4 + html5lib: an independent HTML parse that the crawl tests compare extraction against.
    # py-spy: the sampling profiler behind docs/ingest.md's profile (every thread, no code change).
    "dev": [
        "pytest>=8",
        "pytest-timeout>=2.3",
        "ruff>=0.6",
        "datasets>=3",
        "beautifulsoup4>=4.12",
        "html5lib>=1.1",
        "py-spy>=0.4",
    ],
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
