"""The index as a LangChain retriever, run inside a small LCEL chain."""

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import PromptTemplate
from langchain_core.runnables import RunnableLambda, RunnablePassthrough

from assistant.lc import ChanjiaoRetriever
from assistant.prompts import template


def test_the_retriever_returns_documents_with_their_citations(real_index):
    retriever = ChanjiaoRetriever(retriever=real_index.retriever, k=3)
    docs = retriever.invoke("教育费附加的附加率是多少")
    assert 0 < len(docs) <= 3
    top = docs[0]
    assert "3%" in top.page_content
    assert top.metadata["source"].endswith("征收教育费附加的暂行规定(2011-01-08).md")
    assert top.metadata["chunk_id"] == top.id and top.metadata["citation"].startswith("《")


def test_the_retriever_runs_in_an_lcel_chain(real_index):
    retriever = ChanjiaoRetriever(retriever=real_index.retriever, k=2)

    def cite(docs):
        return "\n".join(f"[{i}] {d.metadata['citation']}" for i, d in enumerate(docs, 1))

    prompt = PromptTemplate.from_template("问题：{question}\n资料：\n{sources}")
    chain = (
        {"sources": retriever | RunnableLambda(cite), "question": RunnablePassthrough()}
        | prompt
        | RunnableLambda(lambda p: p.to_string())
        | StrOutputParser()
    )
    out = chain.invoke("观测点8.5.2统计什么")
    assert out.startswith("问题：观测点8.5.2统计什么")
    assert "[1] 《" in out and "moe-2024-10-21" in out


def test_prompt_files_load_as_langchain_templates():
    answer = template("answer")
    assert isinstance(answer, PromptTemplate)
    assert {"marker", "markers", "refusal"} <= set(answer.input_variables)
